// Log alerts on the function app's Application Insights: a failed orchestration, a burst of exceptions, and a
// storm of Bitrix24 rate-limit answers (the limiter should keep these rare). With an e-mail address they notify
// through an action group; without one they still fire and show in Azure Monitor.

@description('Name prefix of the alert rules and the action group.')
param namePrefix string

@description('Azure region of the alert rules (the Application Insights region).')
param location string

@description('Tags applied to the alert resources.')
param tags object = {}

@description('Resource ID of the Application Insights component the rules query.')
param applicationInsightsId string

@description('E-mail address notified when an alert fires; empty: no action group, alerts only show in Azure Monitor.')
param alertEmail string = ''

@description('Exceptions in 15 minutes above which the exception alert fires (activities retry transient errors).')
@minValue(1)
param exceptionThreshold int = 25

@description('Rate-limit answers in 15 minutes above which the throttling alert fires.')
@minValue(1)
param rateLimitThreshold int = 200

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'b24migrate'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroups = empty(alertEmail) ? [] : [
  actionGroup.id
]

// the Durable extension's tracking events: one per orchestration state change
var orchestrationFailedQuery = 'traces | where customDimensions.Category == "Host.Triggers.DurableTask" | where customDimensions.prop__functionType == "Orchestrator" and customDimensions.prop__state == "Failed"'
var exceptionsQuery = 'exceptions'
var rateLimitQuery = 'traces | where message has "QUERY_LIMIT_EXCEEDED" or message has "OPERATION_TIME_LIMIT"'

resource orchestrationFailed 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: '${namePrefix}-orchestration-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'b24migrate: an orchestration failed'
    description: 'A migration or family orchestration ended Failed. Runbook section 5: rewind or restart the phase.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: orchestrationFailedQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

resource exceptionBurst 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: '${namePrefix}-exceptions'
  location: location
  tags: tags
  properties: {
    displayName: 'b24migrate: exception burst'
    description: 'More exceptions than activity retries explain. Runbook section 9.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: exceptionsQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: exceptionThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

resource rateLimitStorm 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: '${namePrefix}-rate-limit'
  location: location
  tags: tags
  properties: {
    displayName: 'b24migrate: Bitrix24 rate-limit storm'
    description: 'The portal keeps answering QUERY_LIMIT_EXCEEDED / OPERATION_TIME_LIMIT: check B24_LIMITS against the portal plan and other integrations on the portal.'
    severity: 3
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: rateLimitQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: rateLimitThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

output alertRuleIds array = [
  orchestrationFailed.id
  exceptionBurst.id
  rateLimitStorm.id
]
