// Vite's ?inline imports: the file as a data: URL (test/worker/helpers/jpegs.ts)
declare module '*?inline' {
  const dataUrl: string;
  export default dataUrl;
}
