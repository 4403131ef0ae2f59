// What importing a .wasm file gives in workerd (and bundlers configured like wrangler): a compiled module.

declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
