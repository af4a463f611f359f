/** The old generation's limit the host's bin gives the host's Node, in MiB (see host-node-options.js). */
export declare const OLD_SPACE_MIB: number;
/** The options to add to the host's Node: the heap limit, unless `nodeOptions` (NODE_OPTIONS) sets one or Node's own limit (`heapLimitMiB`) is not above it. */
export declare function hostNodeOptions(nodeOptions: string | undefined, heapLimitMiB?: number): string[];
