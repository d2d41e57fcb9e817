// The wsquota page: sign in (POST /session), open and close managers on /ws, show what each receives and why it ended.
// Plain browser JavaScript, no build step. The browser sends the sign-in cookie with the WebSocket handshake itself.
"use strict";

const MAX_FRAMES_SHOWN = 20;

const page = {
    user: null,
    next: 1,
    managers: new Set(),   // every manager card opened in this page, open or closed
    lastActive: null,      // the user's managers on every tab and node, from the newest welcome
    lastLimit: null,
    managersHere: 0        // the user's managers on this server when the page signed in (GET /session)
};

const $ = (id) => document.getElementById(id);

/** One sentence a person understands for each close code (README "Close codes", docs/clients.md). */
function closeSentence(code, reason, closedHere) {
    const r = reason || "";
    const quota = /^quota exceeded: (\d+)\/(\d+) managers for /.exec(r);
    if (quota) {
        return `You already have ${quota[1]} of ${quota[2]} connections open. Close one to open another.`;
    }
    if (code === 1013 && r.startsWith("quota exceeded") && r.includes("in total")) {
        return "The server is full: every connection it allows is in use. Try again in a while.";
    }
    if (code === 1013 && r.startsWith("quota service unavailable")) {
        return "The cluster cannot count your connections right now. Try again in a few seconds.";
    }
    if (code === 1013 && r.startsWith("server draining")) {
        return "This server is being emptied for maintenance. Open a new connection: it goes to another server.";
    }
    if (code === 1013) {
        return "The server cannot take this connection right now. Try again in a while.";
    }
    switch (code) {
        case 1000:
            return closedHere ? "You closed this connection." : "The server closed this connection normally.";
        case 1001:
            if (r.startsWith("idle")) {
                return "Closed because nothing was sent or received for too long. Open another when you need one.";
            }
            if (r.startsWith("server shutting down")) {
                return "The server is shutting down or being emptied for maintenance. Open a new connection in a "
                    + "moment: it goes to another server if there is one.";
            }
            if (r.startsWith("lost contact with the cluster")) {
                return "This server lost contact with the rest of the cluster. Open a new connection in a moment.";
            }
            if (r.startsWith("server draining") || r.includes("drain")) {
                return "This server is being emptied for maintenance. "
                    + "Open a new connection: it goes to another server.";
            }
            return "The server is going away. Try again in a minute.";
        case 1002:
            return "The server saw a WebSocket protocol error on this connection.";
        case 1003:
            return "The server accepts text messages only.";
        case 1006:
            return "The connection was lost without a goodbye: the network dropped, the server stopped, "
                + "or the server refused the connection before it opened (signed out, foreign page, or too many "
                + "refused attempts).";
        case 1007:
            return "A message was not valid text (UTF-8), so the server closed the connection.";
        case 1008:
            if (r.startsWith("over quota")) {
                return "An operator lowered your quota and closed the connections above it.";
            }
            if (r.includes("operator")) {
                return "An operator closed this connection.";
            }
            if (r.startsWith("connection lost its quota slot")) {
                return "The server lost track of this connection's place in your quota. Open a new one.";
            }
            if (r.startsWith("rate limit")) {
                return "Too many messages per second were sent on this connection.";
            }
            if (r.startsWith("user id not accepted")) {
                return "Your user name cannot be used as a quota key. Ask an administrator.";
            }
            return "The server closed this connection because a rule was broken.";
        case 1009:
            return "A message was too big for the server.";
        case 1011:
            if (r.startsWith("ping failed")) {
                return "The server could not check this connection, so it closed it. Open a new one.";
            }
            return "The server hit an unexpected error on this connection.";
        case 4001:
            return "A newer connection of yours took this one's place (you were at your limit). "
                + "It does not reconnect by itself.";
        case 4002:
            return "This browser did not answer the server's ping in time, so the server closed the connection.";
        case 4003:
            return "Messages came faster than this page took them in, so the server closed the connection.";
        default:
            return `Closed with code ${code}.`;
    }
}

async function call(method, body) {
    const init = {method, credentials: "same-origin", headers: {}};
    if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
    }
    const response = await fetch("session", init);
    let json = {};
    try {
        json = await response.json();
    } catch (e) {
        json = {error: `unexpected answer (HTTP ${response.status})`};
    }
    return {status: response.status, json};
}

function show(user, managersHere) {
    page.user = user;
    page.managersHere = managersHere || 0;
    updateTotals();
    $("signin").hidden = user !== null;
    $("account").hidden = user === null;
    $("who").textContent = user || "";
    if (user === null) {
        $("password").value = "";
    }
}

function updateTotals() {
    const open = [...page.managers].filter((m) => m.state === "open").length;
    const totals = $("totals");
    totals.dataset.openHere = String(open);
    if (page.lastActive === null) {
        const here = open === 0 ? "No manager open in this page yet." : `${open} open in this page.`;
        totals.textContent = page.managersHere > 0 && open === 0
            ? `${here} When you signed in you had ${page.managersHere} on this server in other tabs or browsers.`
            : here;
        return;
    }
    totals.dataset.active = String(page.lastActive);
    totals.dataset.limit = String(page.lastLimit);
    const elsewhere = Math.max(0, page.lastActive - open);
    totals.textContent = `${open} open in this page. At the last welcome you had ${page.lastActive} of `
        + `${page.lastLimit} in all, ${elsewhere} of them in other tabs, browsers or nodes.`;
}

function addFrame(card, kind, text) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = `${kind}: ${text}`;
    card.frames.prepend(item);
    while (card.frames.children.length > MAX_FRAMES_SHOWN) {
        card.frames.lastElementChild.remove();
    }
    card.received += 1;
    card.el.dataset.received = String(card.received);
}

function openManager() {
    const fragment = $("manager-template").content.cloneNode(true);
    const el = fragment.querySelector(".manager");
    const card = {
        el, state: "connecting", closedHere: false, received: 0,
        frames: el.querySelector(".frames"),
        socket: new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`)
    };
    const number = page.next++;
    el.dataset.number = String(number);
    el.dataset.state = "connecting";
    el.dataset.received = "0";
    el.querySelector(".label").textContent = `#${number}`;
    el.querySelector(".close").addEventListener("click", () => {
        card.closedHere = true;
        card.socket.close(1000, "closed in the page");
    });
    el.querySelector(".send").addEventListener("submit", (event) => {
        event.preventDefault();
        const input = el.querySelector(".text");
        if (card.state === "open" && input.value !== "") {
            card.socket.send(input.value);
            input.value = "";
        }
    });
    card.socket.addEventListener("message", (event) => onFrame(card, event.data));
    card.socket.addEventListener("close", (event) => onClose(card, event));
    page.managers.add(card);
    $("managers").append(fragment);
    updateTotals();
    return card;
}

function onFrame(card, data) {
    let frame = null;
    try {
        frame = JSON.parse(data);
    } catch (e) {
        frame = null; // not JSON: an echo of plain text
    }
    if (frame && frame.type === "welcome") {
        card.state = "open";
        card.el.classList.add("open");
        card.el.dataset.state = "open";
        card.el.dataset.managerId = frame.managerId;
        card.el.querySelector(".state").textContent = "welcomed";
        card.el.querySelector(".id").textContent = frame.managerId;
        card.el.querySelector(".count").textContent = `${frame.active}/${frame.limit}`;
        page.lastActive = frame.active;
        page.lastLimit = frame.limit;
        updateTotals();
    } else if (frame && frame.type === "message") {
        addFrame(card, "message", typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data));
    } else {
        addFrame(card, "echo", String(data));
    }
}

function onClose(card, event) {
    const wasOpen = card.state === "open";
    card.state = "closed";
    card.el.classList.remove("open");
    card.el.classList.add("closed");
    if (event.code === 1000 && card.closedHere) {
        card.el.classList.add("normal");
    }
    card.el.dataset.state = "closed";
    card.el.dataset.closeCode = String(event.code);
    card.el.dataset.closeReason = event.reason;
    card.el.querySelector(".state").textContent = `closed ${event.code}`;
    card.el.querySelector(".sentence").textContent = closeSentence(event.code, event.reason, card.closedHere);
    if (event.reason) {
        card.el.querySelector(".sentence").title = `server's reason: ${event.reason}`;
    }
    if (wasOpen && page.lastActive !== null) {
        page.lastActive = Math.max(0, page.lastActive - 1); // this page's own close: the user now holds one less
    }
    updateTotals();
}

function closeAll(reason) {
    for (const card of page.managers) {
        if (card.state !== "closed") {
            card.closedHere = true;
            card.socket.close(1000, reason);
        }
    }
}

async function signIn(event) {
    event.preventDefault();
    const button = $("signin-button");
    button.disabled = true;
    $("signin-error").textContent = "";
    try {
        const {status, json} = await call("POST", {user: $("user").value, password: $("password").value});
        if (status === 200) {
            show(json.user, json.managersHere);
        } else {
            $("signin-error").textContent = json.error || `sign-in failed (HTTP ${status})`;
        }
    } catch (e) {
        $("signin-error").textContent = `the server did not answer: ${e.message}`;
    } finally {
        button.disabled = false;
    }
}

async function signOut() {
    closeAll("signed out");
    await call("DELETE");
    page.managers.clear();
    page.lastActive = null;
    $("managers").replaceChildren();
    updateTotals();
    show(null);
}

async function start() {
    $("signin-form").addEventListener("submit", signIn);
    $("open-button").addEventListener("click", () => openManager());
    $("signout-button").addEventListener("click", signOut);
    try {
        const {json} = await call("GET");
        if (!json.user && json.tokenCookie) {
            // The production sign-in cookie: only a protected resource has it read, see docs/security.md.
            const token = await fetch("session/token", {credentials: "same-origin"});
            const signedIn = token.ok ? await token.json() : {user: null};
            show(signedIn.user, signedIn.managersHere);
            return;
        }
        show(json.user || null, json.managersHere);
    } catch (e) {
        show(null);
        $("signin-error").textContent = `the server did not answer: ${e.message}`;
    } finally {
        document.body.dataset.ready = "true"; // who is signed in is known (tests wait for it)
    }
}

start();
