export const IMPORT_STEPS = Symbol('IMPORT_STEPS');
