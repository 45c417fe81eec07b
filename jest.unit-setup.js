// Unit tests: fabric-contract-api and fabric-shim log every transaction at INFO through winston;
// keep their output to errors unless the developer asks for more (CORE_CHAINCODE_LOGGING_LEVEL=INFO).
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'ERROR';
process.env.CORE_CHAINCODE_LOGGING_SHIM = process.env.CORE_CHAINCODE_LOGGING_SHIM || 'ERROR';
