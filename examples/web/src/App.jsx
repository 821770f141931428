import { useEffect, useState } from "react";
import { listOrders } from "./api";

export default function App() {
  const [orders, setOrders] = useState([]);
  useEffect(() => { listOrders().then(setOrders); }, []);
  return <ul>{orders.map((o) => <li key={o.id}>{o.total}</li>)}</ul>;
}
