// The load generator's HTTP/1.1 client: keep-alive connections over node:net, one request at a time
// on each (no pipelining), requests written as one prepared buffer, responses parsed only as far as
// the status and Content-Length. It shares the machine with the server, so it has to be cheap:
// node:http's Agent and ClientRequest cost the client about twice the CPU per request (bench/README.md).
import { connect } from "node:net";

/** A request ready to send: head and body in one buffer. */
export function prepare(host, port, method, path, headers, body) {
  const bytes = Buffer.from(body, "utf8");
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}:${port}\r\ncontent-length: ${bytes.length}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), bytes]);
}

const HEAD_END = Buffer.from("\r\n\r\n");
/**
 * A connection idle this long is closed rather than reused: warden serve drops idle keep-alive
 * connections after 5 s, and a request written just as the server closes would fail.
 */
const IDLE_REUSE_MS = 4000;

export class Client {
  #host;
  #port;
  #max;
  #idle = [];
  #open = new Set();
  #waiting = [];

  /** At most `maxConnections` at once (as node:http's Agent maxSockets); later requests wait in order for one. */
  constructor(host, port, maxConnections = 256) {
    this.#host = host;
    this.#port = port;
    this.#max = maxConnections;
  }

  /** Sends a prepared request on an idle connection (a new one if none is idle); resolves with `{ status, text }`, status null on a network error. */
  send(request) {
    return new Promise((done) => {
      const c = this.#takeIdle() ?? (this.#open.size < this.#max ? this.#connect() : null);
      if (c === null) this.#waiting.push({ request, done });
      else this.#start(c, request, done);
    });
  }

  /** How many connections were opened (the open loop opens more when the server falls behind). */
  get connections() {
    return this.#open.size;
  }

  close() {
    for (const c of this.#open) c.socket.destroy();
    this.#open.clear();
    this.#idle = [];
    for (const w of this.#waiting.splice(0)) w.done({ status: null, text: "" });
  }

  /** The most recently used idle connection; ones idle too long are closed on the way. */
  #takeIdle() {
    const now = performance.now();
    for (let c = this.#idle.pop(); c !== undefined; c = this.#idle.pop()) {
      if (now - c.idleSince < IDLE_REUSE_MS) return c;
      this.#open.delete(c);
      c.socket.destroy();
    }
    return null;
  }

  #start(c, request, done) {
    c.done = done;
    c.socket.write(request);
  }

  /** A connection is free again: the oldest waiting request takes it, else it goes idle. */
  #release(c) {
    const next = this.#waiting.shift();
    if (next) this.#start(c, next.request, next.done);
    else {
      c.idleSince = performance.now();
      this.#idle.push(c);
    }
  }

  #connect() {
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    const c = { socket, done: null, buf: null, headEnd: -1, length: 0, status: 0, idleSince: 0 };
    this.#open.add(c);
    socket.on("data", (chunk) => this.#receive(c, chunk));
    const fail = () => {
      if (!this.#open.delete(c)) return;
      const i = this.#idle.indexOf(c);
      if (i >= 0) this.#idle.splice(i, 1);
      const done = c.done;
      c.done = null;
      done?.({ status: null, text: "" });
      const next = this.#waiting.shift();
      if (next) this.#start(this.#connect(), next.request, next.done);
    };
    socket.on("error", fail);
    socket.on("close", fail);
    return c;
  }

  #receive(c, chunk) {
    c.buf = c.buf === null ? chunk : Buffer.concat([c.buf, chunk]);
    if (c.headEnd < 0) {
      const end = c.buf.indexOf(HEAD_END);
      if (end < 0) return;
      const head = c.buf.toString("latin1", 0, end);
      const m = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (!m) {
        c.socket.destroy(new Error("response without content-length"));
        return;
      }
      c.headEnd = end + 4;
      c.length = Number(m[1]);
      c.status = Number(head.slice(9, 12));
    }
    if (c.buf.length < c.headEnd + c.length) return;
    if (c.buf.length > c.headEnd + c.length) {
      c.socket.destroy(new Error("unexpected bytes after the response"));
      return;
    }
    const text = c.buf.toString("utf8", c.headEnd);
    const done = c.done;
    c.done = null;
    c.buf = null;
    c.headEnd = -1;
    this.#release(c);
    done?.({ status: c.status, text });
  }
}
