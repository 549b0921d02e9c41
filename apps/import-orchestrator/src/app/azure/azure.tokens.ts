export const AZURE_ACCESS = Symbol('AZURE_ACCESS');
export const REQUEST_BUDGET = Symbol('REQUEST_BUDGET');
