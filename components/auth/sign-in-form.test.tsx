// @vitest-environment happy-dom
import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mount, waitUntil } from "@/components/markdown/dom-test-utils";
import { SignInForm } from "./sign-in-form";

// The sign-in form's two modes: a fresh install creates its administrator (the server's side of
// that, first-admin-only sign-up, is tested in lib/auth/auth.test.ts); otherwise staff sign in, and
// every refusal is named. The e2e instances all seed an admin, so first-run is covered here.

type Reply = { status: number; body: unknown };

function fakeFetch(reply: Reply) {
  return vi.fn(async () => new Response(JSON.stringify(reply.body), { status: reply.status }));
}

async function submit(container: HTMLElement, email: string, password: string) {
  const set = (testId: string, value: string) => {
    const input = container.querySelector<HTMLInputElement>(`[data-testid="${testId}"]`)!;
    input.value = value;
  };
  set("sign-in-email", email);
  set("sign-in-password", password);
  await act(async () => {
    container.querySelector<HTMLFormElement>("form")!.requestSubmit();
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
});

describe("SignInForm", () => {
  it("on a fresh install offers 创建管理员账号 and signs up the first account", async () => {
    const fetch = fakeFetch({ status: 200, body: { user: { id: "u1" } } });
    vi.stubGlobal("fetch", fetch);
    const assign = vi.fn();
    vi.stubGlobal("location", { ...window.location, assign });
    const { container } = mount(<SignInForm firstRun sso={null} next="/c/abc" ssoFailed={false} />);
    expect(container.querySelector("h2")?.textContent).toBe("创建管理员账号");
    expect(container.textContent).toContain("现在创建的账号将成为管理员");
    expect(container.querySelector('[data-testid="sign-in-submit"]')?.textContent).toBe("创建管理员账号");
    expect(container.querySelector('[data-testid="sign-in-password"]')?.getAttribute("autocomplete")).toBe(
      "new-password",
    );

    await submit(container, "boss@example.com", "first-admin-pw");
    await waitUntil(() => assign.mock.calls.length > 0);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/auth/sign-up/email");
    expect(JSON.parse(String(init.body))).toEqual({
      email: "boss@example.com",
      password: "first-admin-pw",
      name: "boss",
    });
    expect(assign).toHaveBeenCalledWith("/c/abc");
  });

  it("says sign-up is closed when an admin appeared meanwhile", async () => {
    vi.stubGlobal("fetch", fakeFetch({ status: 403, body: { code: "SIGN_UP_CLOSED", message: "closed" } }));
    const { container } = mount(<SignInForm firstRun sso={null} next="/" ssoFailed={false} />);
    await submit(container, "late@example.com", "long-enough-pw");
    await waitUntil(() => container.querySelector('[data-testid="sign-in-error"]') !== null);
    expect(container.querySelector('[data-testid="sign-in-error"]')?.textContent).toBe(
      "注册已关闭，请联系管理员开通账号。",
    );
  });

  it.each([
    [401, "INVALID_EMAIL_OR_PASSWORD", "邮箱或密码不正确。"],
    [429, "", "尝试次数过多，请一分钟后再试。"],
    [403, "BANNED_USER", "该账号已被停用，请联系管理员。"],
    [500, "", "登录失败，请稍后再试。"],
  ])("names a %s %s refusal", async (status, code, text) => {
    vi.stubGlobal("fetch", fakeFetch({ status, body: { code } }));
    const { container } = mount(<SignInForm firstRun={false} sso={null} next="/" ssoFailed={false} />);
    expect(container.querySelector("h2")?.textContent).toBe("登录");
    await submit(container, "dan@example.com", "whatever-pw");
    await waitUntil(() => container.querySelector('[data-testid="sign-in-error"]') !== null);
    expect(container.querySelector('[data-testid="sign-in-error"]')?.textContent).toBe(text);
  });

  it("offers single sign-on when configured, and explains a failed one", () => {
    const { container } = mount(
      <SignInForm firstRun={false} sso={{ providerId: "oidc", name: "SSO" }} next="/" ssoFailed />,
    );
    expect(container.querySelector('[data-testid="sign-in-sso"]')?.textContent).toBe("使用 SSO 登录");
    expect(container.querySelector('[data-testid="sign-in-error"]')?.getAttribute("data-reason")).toBe("sso");
  });
});
