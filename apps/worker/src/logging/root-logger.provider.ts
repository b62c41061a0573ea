/** Injection token for the process's root pino logger; jobs log through children of it. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
