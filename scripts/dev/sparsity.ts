// fraction of non-zero inputs and active hidden units under a trained model: what the sparse kernels rely on
// usage: npx tsx scripts/dev/sparsity.ts runs/latest/model.bin
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../shared/model/format';
import { createWorkspace, forward } from '../../shared/model/forward';
import { createInputScratch, inputSpecOf, writeInput } from '../../shared/model/input';
import { loadMnist } from '../lib/mnist';
const m = await decodeModel(new Uint8Array(readFileSync(process.argv[2])));
const data = loadMnist();
const B = 1000, ws = createWorkspace(m.network.sizes, B), x = new Float32Array(B * 784);
const spec = inputSpecOf(m.header), scratch = createInputScratch();
for (let b = 0; b < B; b++) writeInput(x, b * 784, data.train.images, b * 784, spec, scratch);
forward(m.network, x, B, ws);
let act = 0; const h = ws.acts[0]; for (let i = 0; i < h.length; i++) if (h[i] > 0) act++;
let nz = 0; for (let i = 0; i < x.length; i++) if (x[i] > 0) nz++;
console.log('hidden active fraction', act / h.length, 'input nonzero fraction', nz / x.length, 'nnz per image', nz / B);
