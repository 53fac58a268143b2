// A stand-in for the legacy Next.js dashboard (anujsainicse/scalper): its API client sends every
// call as below, to API_BASE fixed at build time, with no credentials option (fetch's default:
// cookies only to its own origin) and no Authorization header.
async function dashboardCall(method, path, data) {
  const response = await fetch(self.API_BASE + "/api/v1" + path, {
    method,
    body: JSON.stringify(data),
    headers: { "Content-Type": "application/json" },
  });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (error) {
    body = text;
  }
  return { status: response.status, body };
}

self.dashboardCall = dashboardCall;
document.getElementById("ready").hidden = false;
