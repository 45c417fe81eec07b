'use strict';
/**
 * Prints Caliper's final summary table (the last `| Name | Succ | …` table in its log) as a
 * markdown table. Usage: node summarize-log.js <caliper.log>
 */
const fs = require('fs');

const text = fs.readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const lines = text.split('\n').map((l) => l.replace(/^.*?(\|)/, '$1').trimEnd());
const header = lines.map((l, i) => (l.startsWith('| Name') ? i : -1)).filter((i) => i >= 0).pop();
if (header === undefined) {
  process.stdout.write('Caliper printed no summary table (see its log).\n');
  process.exit(0);
}
const rows = [];
for (let i = header; i < lines.length && lines[i].startsWith('|'); i += 1) rows.push(lines[i]);
const cells = (row) => row.split('|').slice(1, -1).map((c) => c.trim());
const out = [`| ${cells(rows[0]).join(' | ')} |`, `|${cells(rows[0]).map(() => ' --- ').join('|')}|`];
for (const row of rows.slice(2)) {
  if (cells(row).every((c) => /^-*$/.test(c))) continue;
  out.push(`| ${cells(row).join(' | ')} |`);
}
process.stdout.write(`${out.join('\n')}\n`);
