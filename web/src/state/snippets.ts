/**
 * The generate call for a template in three languages, with its real id and a body made of its
 * own binding keys: what the template's "Use the API" panel shows. Each reads the key from the
 * PDF_STUDIO_KEY environment variable and writes document.pdf (the browser test runs all three).
 */

function url(origin: string, templateId: string): string {
  return `${origin}/api/templates/${templateId}/generate`;
}

export function generateCurl(origin: string, templateId: string, data: unknown, auth = 'x-api-key: $PDF_STUDIO_KEY'): string {
  // The body goes in single quotes: a quote inside the JSON closes them, so it is written '\''.
  const body = JSON.stringify({ data }).replace(/'/g, `'\\''`);
  return [
    `curl -X POST '${url(origin, templateId)}' \\`,
    // Double quotes: the shell must expand $PDF_STUDIO_KEY (a key itself is letters, digits, _ and -).
    `  -H "${auth}" \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H 'accept: application/pdf' \\`,
    `  -d '${body}' \\`,
    `  -o document.pdf`,
  ].join('\n');
}

/** Node 18+ (an ES module: top-level await), fetch and no dependency. */
export function generateJavaScript(origin: string, templateId: string, data: unknown): string {
  return [
    `import { writeFile } from 'node:fs/promises';`,
    ``,
    `const res = await fetch(${JSON.stringify(url(origin, templateId))}, {`,
    `  method: 'POST',`,
    `  headers: { 'x-api-key': process.env.PDF_STUDIO_KEY, 'content-type': 'application/json', accept: 'application/pdf' },`,
    `  body: JSON.stringify(${JSON.stringify({ data })}),`,
    `});`,
    `if (!res.ok) throw new Error(\`\${res.status}: \${await res.text()}\`);`,
    `await writeFile('document.pdf', Buffer.from(await res.arrayBuffer()));`,
  ].join('\n');
}

/** Python 3, standard library only. The body is a JSON string literal (JSON's escapes are Python's too). */
export function generatePython(origin: string, templateId: string, data: unknown): string {
  return [
    `import os, urllib.request`,
    ``,
    `body = ${JSON.stringify(JSON.stringify({ data }))}`,
    `req = urllib.request.Request(`,
    `    ${JSON.stringify(url(origin, templateId))},`,
    `    data=body.encode("utf-8"),`,
    `    headers={"x-api-key": os.environ["PDF_STUDIO_KEY"], "content-type": "application/json", "accept": "application/pdf"},`,
    `    method="POST",`,
    `)`,
    `with urllib.request.urlopen(req) as res, open("document.pdf", "wb") as out:`,
    `    out.write(res.read())`,
  ].join('\n');
}
