// Outbound network for the function app: a virtual network whose integration subnet egresses through a NAT
// gateway with one static public IP. The on-prem import gateway allow-lists exactly that IP (docs/security.md);
// without it a Flex Consumption app leaves from a shared, changing pool of addresses.

@description('Name of the virtual network.')
param vnetName string

@description('Name of the subnet the function app integrates with (delegated to Microsoft.App/environments).')
param subnetName string

@description('Name of the NAT gateway.')
param natGatewayName string

@description('Name of the static public IP the NAT gateway egresses from.')
param publicIpName string

@description('Azure region of the network resources.')
param location string

@description('Tags applied to the network resources.')
param tags object = {}

@description('Address space of the virtual network.')
param addressPrefix string = '10.60.0.0/16'

@description('Address range of the integration subnet (Flex Consumption needs at least a /27; /24 leaves room to scale).')
param subnetPrefix string = '10.60.1.0/24'

@description('Minutes an idle outbound TCP flow stays open (4-120); long media downloads keep flows alive.')
@minValue(4)
@maxValue(120)
param idleTimeoutInMinutes int = 10

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-01-01' = {
  name: publicIpName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-01-01' = {
  name: natGatewayName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: idleTimeoutInMinutes
    publicIpAddresses: [
      {
        id: publicIp.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: subnetName
        properties: {
          addressPrefix: subnetPrefix
          natGateway: {
            id: natGateway.id
          }
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

output vnetId string = vnet.id
output subnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, subnetName)
output egressIpAddress string = publicIp.properties.ipAddress
