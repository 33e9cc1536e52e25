import { expect, type Locator, type Page } from "@playwright/test";

// The sign-in screen: email, password, submit, and the error it shows.
export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly sso: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByTestId("sign-in-email");
    this.password = page.getByTestId("sign-in-password");
    this.submit = page.getByTestId("sign-in-submit");
    this.error = page.getByTestId("sign-in-error");
    this.sso = page.getByTestId("sign-in-sso");
  }

  async goto(path = "/sign-in"): Promise<void> {
    await this.page.goto(path);
    await expect(this.submit).toBeEnabled();
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }
}
