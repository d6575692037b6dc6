package identitydb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/identity"
)

var _ identity.DeviceStore = (*Store)(nil)

// Device credentials live in the account's partition: pk ACCOUNT#<id>, sk DEVICE#<id>.
const prefixDevice = "DEVICE#"

func deviceKey(accountID, deviceID string) map[string]types.AttributeValue {
	return key(prefixAccount+accountID, prefixDevice+deviceID)
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
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
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

// Devices implements identity.DeviceStore.
func (st *Store) Devices(ctx context.Context, accountID string) ([]identity.Device, error) {
	var out []identity.Device
	var start map[string]types.AttributeValue
	for {
		res, err := st.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(st.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :d)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": s(prefixAccount + accountID), ":d": s(prefixDevice),
			},
		})
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		var ds []identity.Device
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &ds); err != nil {
			return nil, err
		}
		out = append(out, ds...)
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
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
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": ts(at)},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return identity.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("touch device: %w", err)
	}
	return nil
}
