import { expect, type Locator, type Page } from "@playwright/test";

// The history column: new chat, search, the conversation items with their actions, the user menu.
export class Sidebar {
  readonly root: Locator;
  readonly items: Locator;
  readonly search: Locator;
  readonly newChat: Locator;
  readonly groups: Locator;
  readonly toast: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("sidebar");
    this.items = this.root.getByTestId("conversation-item");
    this.search = this.root.getByTestId("conversation-search");
    this.newChat = this.root.getByTestId("sidebar-new-chat");
    this.groups = this.root.getByTestId("conversation-group");
    this.toast = page.getByTestId("toast");
  }

  item(title: string | RegExp): Locator {
    return this.items.filter({ has: this.page.getByTestId("conversation-title").getByText(title) });
  }

  itemById(id: string): Locator {
    return this.root.locator(`[data-testid="conversation-item"][data-id="${id}"]`);
  }

  async rename(item: Locator, title: string): Promise<void> {
    await item.hover();
    await item.getByTestId("conversation-rename").click();
    const input = item.getByTestId("conversation-title-input");
    await input.fill(title);
    await input.press("Enter");
    await expect(item.getByTestId("conversation-title")).toHaveText(title);
  }

  async remove(item: Locator): Promise<void> {
    await item.hover();
    await item.getByTestId("conversation-delete").click();
  }
}
