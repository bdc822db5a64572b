// Moved to tests/helpers/http.ts; this re-export stays only for
// tests/unit/sources-poll.test.ts, which another helper owns this round.
// Delete it once that file imports "../helpers/http.ts".
export { type SeenRequest, startServer, type TestServer } from "../helpers/http.ts";
