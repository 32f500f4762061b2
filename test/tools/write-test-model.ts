// writes the hand-set test model (see helpers/models.ts) to a file, for trying the worker under
// `wrangler dev` without training first:
//   npx tsx test/tools/write-test-model.ts /tmp/hand.bin [shift]
//   npm run upload -- /tmp/hand.bin --persist-to /tmp/mnist-kv
//   npx wrangler dev --persist-to /tmp/mnist-kv
import { writeFileSync } from 'node:fs';
import { handNetwork, modelFile } from '../worker/helpers/models';

const [path, shift = '0'] = process.argv.slice(2);
if (!path) {
  console.error('usage: npx tsx test/tools/write-test-model.ts <out.bin> [shift 0..9]');
  process.exit(64);
}
const file = await modelFile(handNetwork(Number(shift)));
writeFileSync(path, file.bytes);
console.log(`${path}: model ${file.version}, ${file.bytes.length} bytes; a lone lit pixel p (0..9) reads as digit (p + ${shift}) mod 10`);
