/** @carbontrace/gateway-client — public entry point. */
export {};
