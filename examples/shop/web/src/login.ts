// Login route of the storefront (Next.js route handler, POST /api/login).

import { cookies } from "next/headers";
import { NextResponse, type NextRequest } from "next/server";
import { RateLimiter } from "@acme/rate-limit";
import { shopApi } from "./shop-api";
import { botScore } from "./bot-detection";

// @handles secrets on #web-frontend -- "passwords in transit and the __Host-session cookie"
// @flows #web-frontend -> #shop-api via https (mTLS) -- "credential check and session creation"

const perIp = new RateLimiter({ name: "login-ip", limit: 20, window: "10m" });
const perAccount = new RateLimiter({ name: "login-account", limit: 5, window: "15m" });

// @mitigates #web-frontend against #credential-stuffing using #login-rate-limit -- "per IP and per account, plus bot scoring"
// @mitigates #web-frontend against #session-fixation using #session-rotation -- "a fresh session id after every login"
export async function POST(request: NextRequest): Promise<NextResponse> {
  const { email, password } = await request.json();
  const ip = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "unknown";
  const account = String(email).trim().toLowerCase();

  if (!(await perIp.take(ip)) || !(await perAccount.take(account)) || (await botScore(request)) > 0.8) {
    // The same answer whether the account exists or not.
    return NextResponse.json({ error: "too many attempts, try again later" }, { status: 429 });
  }

  const result = await shopApi.verifyPassword(account, String(password));
  if (!result.ok) {
    return NextResponse.json({ error: "wrong e-mail or password" }, { status: 401 });
  }

  // Throw away whatever session id the browser brought along and issue a new one.
  const jar = cookies();
  const old = jar.get("__Host-session")?.value;
  if (old) {
    await shopApi.revokeSession(old);
  }
  const session = await shopApi.createSession(result.customerId);
  jar.set("__Host-session", session.id, { httpOnly: true, secure: true, sameSite: "lax", path: "/" });
  return NextResponse.json({ ok: true });
}
