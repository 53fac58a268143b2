// A stand-in for the legacy Next.js dashboard (anujsainicse/scalper at 6e87d33). Its API client
// sends every call as dashboardCall does, to API_BASE fixed at build time, with no credentials
// option (fetch's default: cookies only to its own origin) and no Authorization header; its
// Telegram panel calls /telegram/* with a bare fetch (no headers, no body).
async function answer(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (error) {
    body = text;
  }
  return { status: response.status, body };
}

async function dashboardCall(method, path, data) {
  const response = await fetch(self.API_BASE + "/api/v1" + path, {
    method,
    body: JSON.stringify(data),
    headers: { "Content-Type": "application/json" },
  });
  return answer(response);
}

async function telegramCall(method, path) {
  const response = await fetch(self.API_BASE + "/api/v1" + path, method === "GET" ? undefined : { method });
  return answer(response);
}

self.dashboardCall = dashboardCall;
self.telegramCall = telegramCall;
document.getElementById("ready").hidden = false;
