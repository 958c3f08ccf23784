// npm run bench:fuzz: the OpenAPI-driven fuzz run against the embedded stack over loopback (in memory),
// BENCH_FUZZ_REQUESTS (10,000) requests or BENCH_FUZZ_SECONDS (900) at most, seed BENCH_FUZZ_SEED, as every
// role, a delegating system, bad tokens and none (fuzzCredentials). Prints the statuses seen (in all and by
// credential), every 5xx with its request, and complaints stored despite a refusal; exits 1 on either.
import { startEmbeddedStack } from '../infra/local/stack.ts';
import { fuzzApi, fuzzCredentials } from './openapi-fuzz.ts';

const requests = Number(process.env.BENCH_FUZZ_REQUESTS ?? 10_000);
const seconds = Number(process.env.BENCH_FUZZ_SECONDS ?? 900);
const seed = Number(process.env.BENCH_FUZZ_SEED ?? 20261202);

process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
const stack = await startEmbeddedStack({ port: 0, timeScale: 3600, reconcileOnStart: false });
try {
  const tokens = await fuzzCredentials((options) => stack.issuer.mint(options));
  const report = await fuzzApi({ url: stack.url, requests, seconds, seed, tokens });
  console.log(
    JSON.stringify(
      {
        startedAt: new Date(Date.now() - report.seconds * 1000).toISOString(),
        seed,
        sent: report.sent,
        seconds: report.seconds,
        requestsPerSecond: Number((report.sent / report.seconds).toFixed(1)),
        byStatus: report.byStatus,
        byCredential: report.byCredential,
        serverErrors: report.serverErrors.length,
        complaintsCreated: report.created,
        storedDespiteRefusal: report.storedDespiteRefusal,
      },
      null,
      2,
    ),
  );
  for (const error of report.serverErrors.slice(0, 20)) console.log('5xx', JSON.stringify(error));
  process.exitCode = report.serverErrors.length > 0 || report.storedDespiteRefusal > 0 ? 1 : 0;
} finally {
  await stack.close();
}
