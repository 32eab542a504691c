// Authentication edges, abuse limits and production posture, the same over HTTP and websocket.
export { clientAddress, originAllowed } from './client';
export { costError, costKey, limitedListCost, listCost, operationCost, perItemCost } from './cost';
export { limitError, RequestErrorCode, withoutSuggestions } from './errors';
export { createErrorFormatter, formatForWebSocket, type ErrorFormatter } from './format';
export { createSecurityPlugin, httpViewer } from './http';
export { createTrackLimiter, TokenBuckets, type ClientLimits, type TrackLimiter } from './rateLimit';
export { createSharedTrackLimiter } from './sharedRateLimit';
export { countFields, createDocumentBudgetRule } from './documentBudget';
export { createMaxAliasesRule, createMaxDepthRule, documentLimitsOf, INTROSPECTION_MAX_DEPTH, securityValidationRules } from './validationRules';
export { createWsGuard, type WsClient } from './wsGuard';
