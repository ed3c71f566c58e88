// Test harnesses that run whole services: the operational suite every service passes, a
// service's entry point as a child process, and several services together for end-to-end flows.
export * from './kcat';
export * from './memory-limit';
export * from './platform-under-test';
export * from './ports';
export * from './service-health-suite';
export * from './service-process';
export * from './authorization-suite';
export * from './http-surface';
export * from './http-fuzz-suite';
