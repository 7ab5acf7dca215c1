//! The demo's data: a few orders and an inventory with prices, in memory.
//! Both frameworks answer with these JSON bodies.

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

use serde::{Deserialize, Serialize};

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderItem {
    /// The product.
    pub sku: &'static str,
    /// How many.
    pub quantity: u32,
}

/// Where an order is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShippingStatus {
    /// The order.
    pub order: u32,
    /// `preparing`, `in transit` or `delivered`.
    pub status: &'static str,
    /// Who carries it.
    pub carrier: &'static str,
}

/// Where an order goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    /// The recipient.
    pub name: &'static str,
    /// Street and number.
    pub street: &'static str,
    /// The city.
    pub city: &'static str,
    /// The country, ISO 3166 alpha-2.
    pub country: &'static str,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// Its number.
    pub id: u32,
    /// Who placed it (their `sub`).
    pub customer: &'static str,
    /// What it holds.
    pub items: Vec<OrderItem>,
    /// Where it is.
    pub shipping: ShippingStatus,
    /// Where it goes.
    pub address: Address,
}

/// A product in stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockItem {
    /// The product.
    pub sku: &'static str,
    /// Its name.
    pub name: &'static str,
    /// How many are in stock.
    pub in_stock: u32,
    /// Units sold this month.
    pub sold: u32,
    /// Its price, in cents.
    pub price_cents: u64,
}

/// A product's price: the body of `GET` and `PUT /inventory/{sku}/price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// The price in cents.
    pub cents: u64,
}

/// One line of the sales report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SalesLine {
    /// The product.
    pub sku: &'static str,
    /// Units sold this month.
    pub units: u32,
    /// What they brought, in cents.
    pub revenue_cents: u64,
}

/// A payment asked for: the body of `POST /payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// The order paid for.
    pub order: u32,
    /// The amount in cents.
    pub cents: u64,
}

/// What a handler answers when it acted on behalf of a caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// What was done: `approved transaction 42`, `paid order 1001`.
    pub done: String,
    /// On whose behalf (their `sub`).
    pub by: Option<String>,
}

/// The orders and the inventory.
#[derive(Debug)]
pub struct Store {
    orders: Vec<Order>,
    inventory: RwLock<BTreeMap<&'static str, StockItem>>,
}

impl Store {
    /// The demo's data: order 1001 of `alice`, and three products.
    pub fn demo() -> Self {
        let order = Order {
            id: 1001,
            customer: "alice",
            items: vec![
                OrderItem {
                    sku: "A-100",
                    quantity: 2,
                },
                OrderItem {
                    sku: "B-200",
                    quantity: 1,
                },
            ],
            shipping: ShippingStatus {
                order: 1001,
                status: "in transit",
                carrier: "Speedy Parcels",
            },
            address: Address {
                name: "Alice Example",
                street: "1 Main Street",
                city: "Springfield",
                country: "US",
            },
        };
        let products = [
            ("A-100", "Widget", 140, 52, 1299),
            ("B-200", "Gadget", 35, 17, 4999),
            ("C-300", "Gizmo", 0, 8, 2450),
        ];
        let inventory = products
            .into_iter()
            .map(|(sku, name, in_stock, sold, price_cents)| {
                let item = StockItem {
                    sku,
                    name,
                    in_stock,
                    sold,
                    price_cents,
                };
                (sku, item)
            })
            .collect();
        Self {
            orders: vec![order],
            inventory: RwLock::new(inventory),
        }
    }

    /// The order numbered `id`.
    pub fn order(&self, id: u32) -> Option<Order> {
        self.orders.iter().find(|order| order.id == id).cloned()
    }

    /// The product `sku`.
    pub fn stock(&self, sku: &str) -> Option<StockItem> {
        self.read().get(sku).cloned()
    }

    /// Sets the price of `sku`, answering the new price; `None` when there
    /// is no such product.
    pub fn set_price(&self, sku: &str, price: &Price) -> Option<Price> {
        let mut inventory = self.inventory.write().unwrap_or_else(PoisonError::into_inner);
        let item = inventory.get_mut(sku)?;
        item.price_cents = price.cents;
        Some(Price {
            cents: item.price_cents,
        })
    }

    /// This month's sales, product by product.
    pub fn sales_report(&self) -> Vec<SalesLine> {
        self.read()
            .values()
            .map(|item| SalesLine {
                sku: item.sku,
                units: item.sold,
                revenue_cents: u64::from(item.sold) * item.price_cents,
            })
            .collect()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<&'static str, StockItem>> {
        self.inventory.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Store {
    /// See [`Store::demo`].
    fn default() -> Self {
        Self::demo()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_price_is_the_price_read_and_reported() {
        let store = Store::demo();
        assert_eq!(
            store.set_price("A-100", &Price { cents: 1000 }),
            Some(Price { cents: 1000 })
        );
        assert_eq!(store.stock("A-100").map(|item| item.price_cents), Some(1000));
        let line = store.sales_report().into_iter().find(|line| line.sku == "A-100");
        assert_eq!(line.map(|line| line.revenue_cents), Some(52_000));
        assert_eq!(store.set_price("Z-999", &Price { cents: 1 }), None);
    }
}
