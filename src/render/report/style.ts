/**
 * The report's whole stylesheet, inlined in the page: system fonts only (a web font would be
 * a request), readable in print, and wide grids scroll instead of squeezing their pictures.
 */
export const reportCss = `
:root{color-scheme:light;--ink:#1d2330;--muted:#5b6475;--line:#d9dde5;--warn:#fff4e0;--warn-line:#e3a33b;--info:#eaf2ff;--info-line:#6b93d6}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0 auto;max-width:1200px;padding:1.5em 2em 4em}
h1{font-size:1.7em;margin:.2em 0 .4em}
h2{font-size:1.3em;margin:2em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
h3{font-size:1.08em;margin:1.6em 0 .4em}
code{font:0.92em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f2f4f7;padding:0 .25em;border-radius:3px}
nav.contents{font-size:.92em;border:1px solid var(--line);border-radius:6px;padding:.6em 1em;margin:1em 0 2em}
nav.contents ul{margin:.2em 0;padding-left:1.2em}
nav.contents a{color:inherit}
.lead{color:var(--muted)}
.note{padding:.5em .8em;border-left:4px solid;border-radius:3px}
.note.warning{background:var(--warn);border-color:var(--warn-line)}
.note.info{background:var(--info);border-color:var(--info-line)}
.figures{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0}
figcaption,.cap{font-size:.85em;color:var(--muted);max-width:320px}
img{display:block;background:#eee}
img.px{image-rendering:pixelated}
section{overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0 1em}
caption{text-align:left;color:var(--muted);padding-bottom:.3em}
th,td{padding:.3em .6em;vertical-align:top;text-align:left}
table.numbers th,table.numbers td{border-bottom:1px solid var(--line)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.grid th[scope=row]{vertical-align:middle;max-width:12em;overflow-wrap:anywhere}
table.grid td.empty{vertical-align:middle;color:var(--muted);font-style:italic}
@media print{body{max-width:none;padding:0}nav.contents{display:none}section{break-inside:avoid-page;overflow:visible}}
`;
