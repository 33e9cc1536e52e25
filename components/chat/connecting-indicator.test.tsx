// @vitest-environment happy-dom
import { NextIntlClientProvider } from "next-intl";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import en from "@/messages/en.json";
import zh from "@/messages/zh-CN.json";
import { ConnectingIndicator, WAIT_SHOWN_AFTER_SECONDS } from "./connecting-indicator";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let host: HTMLElement;

function mount(locale: "zh-CN" | "en") {
  act(() => {
    root.render(
      <NextIntlClientProvider locale={locale} messages={locale === "en" ? en : zh} timeZone="Asia/Shanghai">
        <ConnectingIndicator />
      </NextIntlClientProvider>,
    );
  });
}

const advance = (ms: number) => act(() => void vi.advanceTimersByTime(ms));
const elapsed = () => host.querySelector('[data-testid="connecting-elapsed"]')?.textContent ?? null;

describe("the connecting indicator", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    host = document.createElement("div");
    document.body.append(host);
    root = createRoot(host);
  });
  afterEach(() => {
    act(() => root.unmount());
    host.remove();
    vi.useRealTimers();
  });

  it("says only that it is connecting at first, then counts the wait and says Stop works", () => {
    mount("zh-CN");
    advance(0);
    expect(host.textContent).toContain("正在连接模型…");
    expect(elapsed()).toBeNull();
    advance((WAIT_SHOWN_AFTER_SECONDS - 1) * 1000);
    expect(elapsed()).toBeNull();
    advance(1000);
    expect(elapsed()).toBe(`已等待 ${WAIT_SHOWN_AFTER_SECONDS} 秒，可随时停止`);
    advance(7000);
    expect(elapsed()).toBe(`已等待 ${WAIT_SHOWN_AFTER_SECONDS + 7} 秒，可随时停止`);
  });

  it("speaks English too", () => {
    mount("en");
    advance(WAIT_SHOWN_AFTER_SECONDS * 1000);
    expect(host.textContent).toContain("Connecting to the model…");
    expect(elapsed()).toBe(`waiting ${WAIT_SHOWN_AFTER_SECONDS} s — you can stop at any time`);
  });
});
