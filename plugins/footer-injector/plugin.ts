// Injects an HTML footer before </body> in the response body filter. Only uncompressed HTML is
// changed; the host recomputes Content-Length for the new body.
import { NylonPlugin } from "@nylon/sdk";

interface FooterPayload {
  footer?: string;
}

const plugin = new NylonPlugin();

function injectFooter(html: string, footer: string): string {
  const close = html.toLowerCase().lastIndexOf("</body>");
  return close < 0 ? html + footer : html.slice(0, close) + footer + html.slice(close);
}

plugin.addPhaseHandler("footer", (phase) => {
  phase.responseBodyFilter((ctx) => {
    const res = ctx.response();
    const headers = res.headers();
    const isHtml = (headers["content-type"] ?? "").toLowerCase().startsWith("text/html");
    // A compressed body is not text we can edit; leave it untouched.
    const encoded = (headers["content-encoding"] ?? "identity") !== "identity";
    const footer = ctx.getPayload<FooterPayload>()?.footer ?? "";
    if (isHtml && !encoded && footer !== "") {
      // bodyHTML sets the body and the HTML content type; the host sets Content-Length.
      res.bodyHTML(injectFooter(res.readBodyText(), footer));
    }
    ctx.next();
  });
});
