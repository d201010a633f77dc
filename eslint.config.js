// Lint rules: typescript-eslint's recommended set plus a hard file-length limit,
// so no module grows into a god file (see ../shared/STYLE.md, anti-pattern 1).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "max-lines": ["error", { max: 400, skipBlankLines: true, skipComments: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "node:child_process", message: "Run external commands through src/run." }, { name: "child_process", message: "Run external commands through src/run." }] },
      ],
    },
  },
  {
    files: ["src/run/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
