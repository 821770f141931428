// The order API the React pages call.
const API_BASE = "http://localhost:5050/api";

export async function listOrders() {
  const response = await fetch(`${API_BASE}/orders`);
  return response.json();
}
