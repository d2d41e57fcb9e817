package dev.wsquota.it;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

/** wsquota's page at {@code /} as a person uses it: sign in, open, close and watch managers. */
final class WsquotaPage {

    /** Bounded waits: generous, the machine is shared; speed is printed, not asserted. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final WebDriver driver;

    WsquotaPage(WebDriver driver) {
        this.driver = driver;
    }

    static String base() {
        return "http://localhost:" + System.getProperty("httpPort") + "/";
    }

    WsquotaPage load() {
        driver.get(base());
        until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        return this;
    }

    WsquotaPage signIn(String user, String password) {
        load();
        if (driver.findElement(By.id("signin")).isDisplayed()) {
            driver.findElement(By.id("user")).sendKeys(user);
            driver.findElement(By.id("password")).sendKeys(password);
            driver.findElement(By.id("signin-button")).click();
        }
        until(d -> d.findElement(By.id("account")).isDisplayed() || !signInError().isEmpty());
        return this;
    }

    boolean signedIn() {
        return driver.findElement(By.id("account")).isDisplayed();
    }

    String who() {
        return driver.findElement(By.id("who")).getText();
    }

    String signInError() {
        return driver.findElement(By.id("signin-error")).getText();
    }

    void signOut() {
        driver.findElement(By.id("signout-button")).click();
        until(d -> d.findElement(By.id("signin")).isDisplayed());
    }

    /** Clicks "Open one more" and waits until that manager is welcomed or closed; returns its number. */
    int openOne() {
        int number = driver.findElements(By.cssSelector("li.manager")).size() + 1;
        driver.findElement(By.id("open-button")).click();
        until(d -> !state(number).equals("connecting"));
        return number;
    }

    WebElement manager(int number) {
        return driver.findElement(By.cssSelector("li.manager[data-number='" + number + "']"));
    }

    String state(int number) {
        List<WebElement> found = driver.findElements(By.cssSelector("li.manager[data-number='" + number + "']"));
        return found.isEmpty() ? "absent" : found.get(0).getAttribute("data-state");
    }

    String closeCode(int number) {
        return manager(number).getAttribute("data-close-code");
    }

    String sentence(int number) {
        return manager(number).findElement(By.cssSelector(".sentence")).getText();
    }

    String managerId(int number) {
        return manager(number).getAttribute("data-manager-id");
    }

    String count(int number) {
        return manager(number).findElement(By.cssSelector(".count")).getText();
    }

    void close(int number) {
        manager(number).findElement(By.cssSelector("button.close")).click();
    }

    void send(int number, String text) {
        WebElement card = manager(number);
        card.findElement(By.cssSelector("input.text")).sendKeys(text);
        card.findElement(By.cssSelector(".send button")).click();
    }

    /** The frames shown on a manager, newest first ("echo: ...", "message: ..."). */
    List<String> frames(int number) {
        return manager(number).findElements(By.cssSelector(".frames li")).stream().map(WebElement::getText).toList();
    }

    List<String> allFrames() {
        return driver.findElements(By.cssSelector("li.manager .frames li")).stream().map(WebElement::getText).toList();
    }

    long openHere() {
        return driver.findElements(By.cssSelector("li.manager[data-state='open']")).size();
    }

    String totals() {
        return driver.findElement(By.id("totals")).getText();
    }

    void until(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, WAIT, Duration.ofMillis(20)).until(condition::apply);
    }
}
