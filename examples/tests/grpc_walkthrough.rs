//! The `grpc-inventory` example as a user runs it: it prints its ready line
//! and a `grpcurl` line per case with the status it answers; each printed
//! call, made with a tonic client, answers that status.

use std::process::Stdio;
use std::time::Duration;

use scopeguard_examples::grpc::inventory_proto::ItemRequest;
use scopeguard_examples::grpc::inventory_proto::inventory_client::InventoryClient;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tonic::transport::Channel;
use tonic::{Code, Request};

/// One printed case: the status it announces and its `authorization` value.
struct Printed {
    answers: String,
    method: String,
    authorization: Option<String>,
}

fn parse(comment: &str, command: &str) -> Printed {
    let answers = comment
        .split_once(": answers ")
        .map(|(_, answers)| answers.to_owned())
        .expect("`# title: answers STATUS`");
    let authorization = command
        .split_once("-H 'authorization: ")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(value, _)| value.to_owned());
    let method = command.rsplit(' ').next().expect("a method").to_owned();
    Printed {
        answers,
        method,
        authorization,
    }
}

#[tokio::test]
async fn every_printed_read_answers_what_it_says() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_grpc-inventory"))
        .env("SCOPEGUARD_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("grpc-inventory starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("printed in time")
            .expect("readable")
            .expect("a line")
    };
    let ready = next().await;
    let base = ready
        .strip_prefix("listening on ")
        .expect("the ready line")
        .to_owned();
    let mut printed = Vec::new();
    while printed.len() < 7 {
        let comment = next().await;
        if comment.is_empty() {
            continue;
        }
        let command = next().await;
        assert!(command.starts_with("grpcurl -plaintext "), "{command}");
        printed.push(parse(&comment, &command));
    }

    let channel = Channel::from_shared(base)
        .expect("a URI")
        .connect()
        .await
        .expect("the server answers");
    let mut client = InventoryClient::new(channel);
    let item_reads: Vec<_> = printed
        .iter()
        .filter(|case| case.method == "inventory.v1.Inventory/GetItem")
        .collect();
    assert_eq!(item_reads.len(), 3);
    for case in item_reads {
        let mut request = Request::new(ItemRequest { id: "widget".into() });
        if let Some(authorization) = &case.authorization {
            let value = authorization.parse().expect("ASCII metadata");
            request.metadata_mut().insert("authorization", value);
        }
        let code = match client.get_item(request).await {
            Ok(_) => Code::Ok,
            Err(status) => status.code(),
        };
        let want = match case.answers.as_str() {
            "OK" => Code::Ok,
            "Unauthenticated (16)" => Code::Unauthenticated,
            "PermissionDenied (7)" => Code::PermissionDenied,
            other => panic!("an unexpected status {other}"),
        };
        assert_eq!(code, want, "{:?}", case.authorization.is_some());
    }
}
