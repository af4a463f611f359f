/** A CRD for tests that uses every schema feature the checks know. */
export const WIDGET_CRD_YAML = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets, singular: widget, shortNames: [wd], categories: [all] }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      additionalPrinterColumns:
        - { name: Size, type: string, jsonPath: .spec.size }
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            spec:
              type: object
              required: [size, replicas]
              x-kubernetes-validations:
                - rule: "self.replicas <= self.maxReplicas"
                  message: replicas must not exceed maxReplicas
                - rule: "self.size == oldSelf.size"
                  message: size is immutable
              properties:
                size: { type: string, enum: [small, large] }
                replicas: { type: integer, minimum: 0, format: int32 }
                maxReplicas: { type: integer, default: 10 }
                memory: { type: string, pattern: '^\\d+(Ki|Mi|Gi)$' }
                port: { x-kubernetes-int-or-string: true }
                name: { type: string, maxLength: 5, minLength: 1 }
                tags: { type: array, maxItems: 2, items: { type: string }, x-kubernetes-list-type: set }
                labels: { type: object, additionalProperties: { type: string } }
                created: { type: string, format: date-time }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
                mode: { type: string, default: fast }
                nested:
                  type: object
                  properties:
                    on: { type: boolean, default: true }
            status:
              type: object
              properties:
                phase: { type: string }
`;
