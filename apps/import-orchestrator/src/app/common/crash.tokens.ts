export const CRASH_SWITCH = Symbol('CRASH_SWITCH');
