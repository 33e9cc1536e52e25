// @vitest-environment happy-dom
import { act } from "react";
import { expect, it } from "vitest";
import { mount } from "./dom-test-utils";
import { Markdown } from "./markdown";

const frame = () => act(async () => void (await new Promise((r) => setTimeout(r, 80))));

// Continue appends to a reply that had already finished: its last paragraph must grow, not split in two.
it("a finished message that grows again (Continue) keeps one paragraph", async () => {
  const { container, render } = mount(<Markdown text="第一部分" streaming />);
  await frame();
  render(<Markdown text="第一部分写到这里" streaming={false} />);
  await frame();
  render(<Markdown text="第一部分写到这里，第二" streaming />);
  await frame();
  render(<Markdown text="第一部分写到这里，第二部分接着写完。" streaming={false} />);
  await frame();
  expect(container.querySelectorAll("p")).toHaveLength(1);
  expect(container.textContent).toBe("第一部分写到这里，第二部分接着写完。");
});
