// types for the tests: `exports.default` is the worker's default export (see workers-types GlobalProps)
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../../worker/index');
  }
}
