// In-process tests (routers through supertest, domain units) build services without credentials: authentication
// is tested by the service kit's own tests and, for every operation of every spec, against real processes
// (tools/auth-walk). Services that tests start as processes (libs/testing startService) always run with it on.
process.env.OCOPEA_AUTH ??= 'off';
