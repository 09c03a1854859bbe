//! How a one-time code reaches the customer. The conversation engine hands each code, after
//! its turn has committed, to a [`CodeCourier`]; the application wires in one that sends email
//! through the mailer and SMS or WhatsApp through the business's connection. A code that does not
//! arrive costs the customer one "send it again", never a booking, so delivery is not queued.

use std::future::Future;
use std::pin::Pin;

use super::codes::CodeDelivery;

pub type CourierFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

pub trait CodeCourier: Send + Sync + 'static {
    fn deliver(&self, delivery: CodeDelivery) -> CourierFuture;
}

/// For tools and tests that send nothing: every delivery fails with a reason.
pub struct NoCourier;

impl CodeCourier for NoCourier {
    fn deliver(&self, _: CodeDelivery) -> CourierFuture {
        Box::pin(async { Err("this process sends no codes".to_owned()) })
    }
}
