// Tables as files: CSV (RFC 4180) made in the page and saved through a download link, nothing sent anywhere.

/** One CSV field: quoted when it holds a comma, quote or line break; a missing value empty. */
function field(v) {
  if (v === undefined || v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** CSV text: a header line, then a line per row, CRLF line ends. */
export function csv(header, rows) {
  return [header, ...rows].map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";
}

/** Saves a Blob (or text) under a file name, as the browser saves downloads. */
export function save(name, body, type) {
  const blob = body instanceof Blob ? body : new Blob([body], { type: type || "text/csv;charset=utf-8" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
