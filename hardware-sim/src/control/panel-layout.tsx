/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse}
td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}.open{color:#b00}.closed{color:#070}
.fault{background:#fee;padding:0 .3rem;border-radius:3px}form{display:inline}
fieldset{margin:.5rem 0}`;

/** Page shell; `refreshS` makes the page reload itself so values stay live. */
export function Layout(props: { title: string; refreshS?: number; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        {props.refreshS ? <meta http-equiv="refresh" content={String(props.refreshS)} /> : null}
        <title>{props.title}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <h1>{props.title}</h1>
        {props.children}
      </body>
    </html>
  );
}
