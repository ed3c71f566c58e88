// Bearer-token authentication and customer scoping for the HTTP APIs.
export * from './auth.guard';
export * from './auth.module';
export * from './principal';
export * from './token-verifier';
