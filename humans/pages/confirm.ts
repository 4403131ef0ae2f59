// The page an approver's confirmation e-mail links to: a button (mail scanners that open links confirm
// nothing), then the outcome. It shows no approval and no hold.

import { escapeHtml } from "../../desk/format";
import { page, type Page } from "./layout";

export type ConfirmPageState = "ask" | "confirmed" | "expired" | "invalid";

export function renderConfirmPage(state: ConfirmPageState, token: string, issuer: string | null = null): Page {
  if (state === "ask") {
    const action = `/approvers/confirm/${encodeURIComponent(token)}`;
    return page({
      title: "Confirm approver",
      body: `<main><h1>Become an approver?</h1><p>Someone listed this e-mail address to approve requests from their agents. Confirm only if you expected it.</p>
<div class="actions big"><form method="post" action="${escapeHtml(action)}"><button class="approve" type="submit">Confirm</button></form></div></main>`,
    });
  }
  if (state === "confirmed") {
    const who = escapeHtml(issuer ?? "this Agent Warden server");
    return page({ title: "Confirmed", body: `<main><h1>Confirmed</h1><p>This address now approves requests from ${who}.</p></main>` });
  }
  const why = state === "expired" ? "The link has expired; a new one is sent with the next request." : "The link is not valid, or it was already used.";
  return page({ status: state === "expired" ? 410 : 404, title: "Link not valid", body: `<main><h1>Nothing was confirmed</h1><p>${why}</p></main>` });
}
