/** The class of a resource type when none is asked for. */
export const DEFAULT_CLASS = 'default';
