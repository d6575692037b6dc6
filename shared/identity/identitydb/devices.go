package identitydb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
)

var _ identity.DeviceStore = (*Store)(nil)

// Device credentials live in the account's partition: pk ACCOUNT#<id>, sk DEVICE#<id>.
const prefixDevice = "DEVICE#"

func deviceKey(accountID, deviceID string) dynamo.Item {
	return dynamo.Key(prefixAccount+accountID, prefixDevice+deviceID)
}

// PutDevice implements identity.DeviceStore.
func (st *Store) PutDevice(ctx context.Context, d identity.Device) error {
	item, err := attributevalue.MarshalMap(d)
	if err != nil {
		return fmt.Errorf("marshal device: %w", err)
	}
	for k, v := range deviceKey(d.AccountID, d.ID) {
		item[k] = v
	}
	// The id is fresh and random: a failed condition means the SDK retried a put
	// whose answer was lost, and the device is stored.
	_, err = st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("put device: %w", err)
	}
	return nil
}

// Device implements identity.DeviceStore.
func (st *Store) Device(ctx context.Context, accountID, deviceID string) (identity.Device, error) {
	var d identity.Device
	ok, err := st.get(ctx, deviceKey(accountID, deviceID), &d)
	if err != nil {
		return identity.Device{}, fmt.Errorf("get device: %w", err)
	}
	if !ok {
		return identity.Device{}, identity.ErrNotFound
	}
	return d, nil
}

// Devices implements identity.DeviceStore. Device credentials have no lifetime:
// every one in the partition is listed.
func (st *Store) Devices(ctx context.Context, accountID string) ([]identity.Device, error) {
	var out []identity.Device
	p := dynamodb.NewQueryPaginator(st.DB, &dynamodb.QueryInput{
		TableName: aws.String(st.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :d)"),
		ExpressionAttributeValues: dynamo.Item{
			":pk": dynamo.S(prefixAccount + accountID), ":d": dynamo.S(prefixDevice),
		},
	})
	for p.HasMorePages() {
		res, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		var ds []identity.Device
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &ds); err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

// DeleteDevice implements identity.DeviceStore.
func (st *Store) DeleteDevice(ctx context.Context, accountID, deviceID string) error {
	if _, err := st.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(st.Table), Key: deviceKey(accountID, deviceID)}); err != nil {
		return fmt.Errorf("delete device: %w", err)
	}
	return nil
}

// TouchDevice implements identity.DeviceStore.
func (st *Store) TouchDevice(ctx context.Context, accountID, deviceID string, at time.Time) error {
	_, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(st.Table), Key: deviceKey(accountID, deviceID),
		UpdateExpression:          aws.String("SET lastUsedAt = :t"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: dynamo.Item{":t": ts(at)},
	})
	if dynamo.ConditionFailed(err) {
		return identity.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("touch device: %w", err)
	}
	return nil
}
