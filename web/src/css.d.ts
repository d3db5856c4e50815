// esbuild bundles the CSS a module imports (main.tsx); TypeScript needs to know such imports exist.
declare module "*.css";
