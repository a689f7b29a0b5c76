// What only a failure or a log line needs (the messages, the error classes' makers, the redactor,
// the log lines) is in failure.ts, loaded the first time a call fails or a line is logged, or a
// list walk goes past its first page (it collects the secrets of the pages read with the
// redactor's code): a browser app bundled with code splitting keeps it out of its first chunk, and
// a single call's success path never loads it. What a success needs to decide stays where it is (a
// status, a bound); what follows a failure is later: its words, and whether and when a failed
// attempt is retried (retry-policy.ts). Errors thrown synchronously (the options' checks) keep their
// words where they are.
//
// How a bundler draws the line (esbuild, as the bench and `check:package` measure): a module is in
// the first chunk when a module there imports it, used or not, and anything of it is used anywhere,
// the lazy chunk included. So no module the success path loads may import one of failure.ts's
// modules (answers.ts, log-lines.ts, redact.ts), even for code an app does not call (that is why
// ConnectionFailedError's constructor takes its account scrubbed instead of scrubbing it).

let loaded: Promise<typeof import("./failure.js")> | undefined;

/**
 * The module of failures, loaded once. The promise is kept: an `import()` of a module already loaded
 * still costs Node some 200 µs of CPU (a list walk asks for it on every page). A load that failed
 * (a browser's chunk request, say) is tried again next time.
 */
export const later = (): Promise<typeof import("./failure.js")> =>
  (loaded ??= import("./failure.js").catch((error: unknown) => {
    loaded = undefined;
    throw error;
  }));
