"""WeChat channels: the Official Account (公众号, `/wechat`) and the mini-program customer-service message
push (`/wechat/miniprogram`), sharing one handler: signature and AES checks, safe XML/JSON parsing,
dedupe of WeChat's retries, the 5-second reply limit with the customer-service API as the late path."""
