// The `billingctl` process: runs one command line and exits with its code.
import { runBillingctl } from './billingctl';

void runBillingctl(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  write: (chunk) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
    }),
}).then((code) => {
  process.exitCode = code;
});
