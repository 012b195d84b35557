// Bearer-token authentication in the request filter: a request without a valid token gets 401 and never
// reaches the service; a valid one continues with the token's subject in X-Auth-Subject.
import { NylonPlugin } from "@nylon/sdk";

interface AuthConfig {
  /** token -> subject (who the token belongs to). */
  tokens?: Record<string, string>;
}

interface AuthPayload {
  /** Shown in WWW-Authenticate. */
  realm?: string;
}

const plugin = new NylonPlugin();
let subjects = new Map<string, string>();

plugin.initialize<AuthConfig>((config) => {
  subjects = new Map(Object.entries(config.tokens ?? {}));
});

/** Compares every character, so the time taken does not tell how much of a guess was right. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i % Math.max(1, b.length));
  return diff === 0;
}

function subjectFor(token: string): string | undefined {
  let found: string | undefined;
  for (const [known, subject] of subjects) if (sameText(token, known)) found = subject;
  return found;
}

plugin.addPhaseHandler("auth", (phase) => {
  phase.requestFilter((ctx) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.request().header("authorization"));
    const subject = match ? subjectFor(match[1]!) : undefined;
    if (subject === undefined) {
      const realm = ctx.getPayload<AuthPayload>()?.realm ?? "nylon";
      const res = ctx.response();
      res.setStatus(401);
      res.setHeader("WWW-Authenticate", `Bearer realm="${realm.replace(/["\\]/g, "")}"`);
      res.bodyJSON({ error: "unauthorized", message: match ? "invalid bearer token" : "a bearer token is required" });
      ctx.end();
      return;
    }
    // The upstream learns who called; a client cannot forge this header because it is overwritten here.
    ctx.request().setHeader("X-Auth-Subject", subject);
    ctx.next();
  });
});
