/** The namespace `_lifecycle` keeps its state in: its own name. */
export const LIFECYCLE_NAMESPACE = '_lifecycle';
