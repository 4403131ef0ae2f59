// /v1/approvals: pending approvals of the caller's passports, one approval, approve and deny.

import { errors } from "../errors";
import type { Router } from "../router";
import { type ServerDeps, channelOf, issuerOf } from "../context";
import type { Approval } from "../../enforcer/types";
import { ApprovalDesk } from "../../desk/desk";
import { APPROVAL_ID, COMMON_ERRORS, err, json, obj, ref } from "../openapi-operation";

export function approvalRoutes(router: Router, { enforcer, passports, clock }: ServerDeps): void {
  // Answers go through the desk, which keeps an approval's permit for the waiting agent (handed over once, below).
  const desk = new ApprovalDesk(enforcer, clock);
  /** The approval if its passport belongs to `issuer`; 404 otherwise. */
  async function approvalFor(issuer: string, id: string, channel: ReturnType<typeof channelOf> = { channel: "operator" }): Promise<Approval> {
    const approval = await enforcer.getApproval(id, channel);
    if (!approval) throw errors.notFound("approval", id);
    try {
      await passports.owner(issuer, approval.passport_id);
    } catch {
      throw errors.notFound("approval", id);
    }
    return approval;
  }

  router.get(
    "/v1/approvals",
    async (ctx) => {
      const issuer = issuerOf(ctx);
      const pid = ctx.url.searchParams.get("passport_id");
      if (pid !== null) {
        await passports.owner(issuer, pid);
        return { approvals: await enforcer.listPendingApprovals(pid) };
      }
      const approvals: Approval[] = [];
      for (const p of await passports.list(issuer)) approvals.push(...(await enforcer.listPendingApprovals(p.id as string)));
      return { approvals };
    },
    {
      doc: {
        summary: "Pending approvals of the caller's passports",
        tags: ["approvals"],
        parameters: [{ name: "passport_id", in: "query", schema: { type: "string" }, description: "Only this passport's." }],
        responses: { "200": json(obj({ approvals: { type: "array", items: ref("Approval") } }, ["approvals"])), ...COMMON_ERRORS },
      },
    },
  );

  router.get(
    "/v1/approvals/:id",
    async (ctx) => {
      const approval = await approvalFor(issuerOf(ctx), ctx.params.id!, channelOf(ctx));
      if (approval.status !== "approved") return approval;
      // The waiting agent collects its permit here once, like MCP's get_approval_status; later reads carry none.
      const permit = await desk.takePermit(approval.passport_id, approval.id);
      return permit ? { ...approval, ...permit } : approval;
    },
    {
      role: "agent",
      doc: {
        summary: "One approval request",
        description: "Once approved, the first read carries `permit_token` and `permit_expires_at` for the waiting agent; later reads do not.",
        tags: ["approvals"],
        parameters: [APPROVAL_ID],
        responses: { "200": json(ref("Approval")), ...COMMON_ERRORS },
      },
    },
  );

  for (const verb of ["approve", "deny"] as const) {
    router.post(
      `/v1/approvals/:id/${verb}`,
      async (ctx) => {
        const approval = await approvalFor(issuerOf(ctx), ctx.params.id!);
        if (approval.status !== "pending") {
          throw errors.conflict("approval_not_pending", `approval ${approval.id} is already ${approval.status}`);
        }
        const { approval: _closed, ...answer } = await desk.answer(approval.id, verb === "approve", { by: issuerOf(ctx), channel: "api" });
        return answer;
      },
      {
        doc: {
          summary: verb === "approve" ? "Approve: commits the reservation and issues a permit" : "Deny: releases the reservation",
          ...(verb === "approve" ? { description: "Re-checks emergency stop, revocation and expiry; if one fails the answer is denied." } : {}),
          tags: ["approvals"],
          parameters: [APPROVAL_ID],
          responses: { "200": json(ref("ApprovalAnswer")), ...COMMON_ERRORS, "409": err("The approval is no longer pending.") },
        },
      },
    );
  }
}
