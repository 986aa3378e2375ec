/** @type {import('next').NextConfig} */
const nextConfig = {
  // DuckDB is a native addon: it must be required at run time, never bundled.
  serverExternalPackages: ['@duckdb/node-api', '@duckdb/node-bindings'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
